"""Values every page shows: the province and the department."""
from django.conf import settings


def site(request):
    return {"PROVINCE_NAME": settings.PROVINCE_NAME, "DEPARTMENT_NAME": settings.DEPARTMENT_NAME}
