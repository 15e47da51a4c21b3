// The cluster map: markers from the page's GeoJSON (clusters:map_data), coloured by occupancy band, each opening a
// popup that links to the cluster. No background map unless the page names a tile server (MAP_TILE_URL).
// Everything a cluster's record says is put into the page as text (textContent), never as HTML.
(function () {
  "use strict";
  var element = document.getElementById("cluster-map");
  if (!element || typeof L === "undefined") {
    return;
  }
  var data = element.dataset;
  var view = data.defaultView.split(",").map(Number);
  var map = L.map(element, { scrollWheelZoom: false }).setView([view[0], view[1]], view[2]);
  map.attributionControl.setPrefix("Leaflet");
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { maxZoom: Number(data.tileMaxZoom), attribution: data.tileAttribution }).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);

  function line(label, value) {
    var row = document.createElement("div");
    var name = document.createElement("span");
    name.className = "text-body-secondary";
    name.textContent = label + ": ";
    row.appendChild(name);
    row.appendChild(document.createTextNode(value));
    return row;
  }

  function popup(properties) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = properties.url;
    link.className = "fw-semibold";
    link.textContent = properties.name;
    box.appendChild(link);
    box.appendChild(line(data.labelOccupancy, properties.occupancy_text));
    box.appendChild(line(data.labelCommune, properties.commune));
    box.appendChild(line(data.labelStage, properties.stage));
    box.appendChild(line(data.labelProjects, String(properties.projects)));
    return box;
  }

  fetch(data.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(function (collection) {
      var layer = L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          var properties = feature.properties;
          var marker = L.marker(latlng, {
            icon: L.divIcon({ className: "cluster-marker cluster-marker-" + properties.band, iconSize: [18, 18] }),
            title: properties.name + " — " + properties.occupancy_text,
            keyboard: true,
            riseOnHover: true,
          });
          marker.on("add", function () {
            marker.getElement().setAttribute("aria-label", properties.name + ", " + data.labelOccupancy + " " + properties.occupancy_text);
            marker.getElement().dataset.clusterId = String(feature.id);
          });
          return marker;
        },
        onEachFeature: function (feature, marker) {
          marker.bindPopup(popup(feature.properties));
        },
      }).addTo(map);
      if (collection.features.length) {
        // Without animation: the markers stand where they will stay before the page says it is ready. A popup
        // opened during a zoom animation is placed for the old zoom, and can end up outside the map's frame.
        map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 13, animate: false });
      }
      element.dataset.markers = String(collection.features.length);
    })
    .catch(function () {
      document.getElementById("cluster-map-error").hidden = false;
      element.dataset.markers = "error";
    });
})();
