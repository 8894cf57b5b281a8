from django.urls import path

from mygifts import views

app_name = "mygifts"

urlpatterns = [
    path("my-gifts/", views.request_link, name="request"),
    path("my-gifts/open/<str:token>/", views.open_link, name="open"),
    path("my-gifts/page/", views.page, name="page"),
    path("my-gifts/page/leave/", views.leave, name="leave"),
    path("my-gifts/page/receipts/<int:gift_id>.pdf", views.receipt, name="receipt"),
    path("my-gifts/page/statements/", views.statement_request, name="statement_request"),
    path("my-gifts/page/statements/<int:statement_id>.pdf", views.statement, name="statement"),
    path(
        "my-gifts/page/monthly/<int:sponsorship_id>/amount/",
        views.amount_change,
        name="amount_change",
    ),
    path("my-gifts/page/monthly/<int:sponsorship_id>/stop/", views.stop, name="stop"),
    path(
        "my-gifts/page/monthly/<int:sponsorship_id>/payment-method/",
        views.payment_method,
        name="payment_method",
    ),
    path("my-gifts/page/agreements/<int:agreement_id>.pdf", views.agreement, name="agreement"),
    path("my-gifts/page/my-data.json", views.data_export, name="data_export"),
    path("my-gifts/page/preferences/", views.preferences, name="preferences"),
    path("my-gifts/page/erase/", views.erase, name="erase"),
]
