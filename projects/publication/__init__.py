"""The public lists (issue 14): what the law says the province publishes, prepared from the watchlist's verified
flags, the decided land-use extensions and the clusters' land, approved by leadership and served without a login
from the last approved version (/cong-khai/). docs/watchlist.md, "Publication", reads the articles."""
