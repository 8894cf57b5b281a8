from django.urls import path

from demo import views

app_name = "demo"

urlpatterns = [
    path("donate/demo/<str:payment_id>/", views.demo_checkout, name="demo_checkout"),
]
