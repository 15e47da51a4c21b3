from django.urls import path  # noqa: F401  (the pages are added per subject)

app_name = "industry"
urlpatterns = []
