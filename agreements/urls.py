from django.urls import path

from agreements import views
from agreements.models import AgreementSignature

Role = AgreementSignature.Role
app_name = "agreements"

urlpatterns = [
    path("periodic-gift/", views.agreement_start, name="start"),
    path("periodic-gift/check-your-email/", views.check_email, name="check_email"),
    path("periodic-gift/sign/<str:token>/", views.sign, {"role": Role.DONOR}, name="sign"),
    path(
        "periodic-gift/sign/<str:token>/agreement.pdf",
        views.document,
        {"role": Role.DONOR},
        name="document",
    ),
    path("periodic-gift/co-sign/<str:token>/", views.sign, {"role": Role.PARTNER}, name="co_sign"),
    path(
        "periodic-gift/co-sign/<str:token>/agreement.pdf",
        views.document,
        {"role": Role.PARTNER},
        name="co_sign_document",
    ),
]
