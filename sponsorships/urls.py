from django.urls import path

from sponsorships import views

app_name = "sponsorships"

urlpatterns = [
    path("sponsorship/<str:token>/stop/", views.sponsorship_cancel_view, name="sponsorship_cancel"),
]
