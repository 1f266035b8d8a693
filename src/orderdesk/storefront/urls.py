from django.urls import path

from orderdesk.storefront import views

app_name = "storefront"

urlpatterns = [
    path("sell/", views.home, name="home"),
    path("sell/device/<int:variant_id>/", views.device, name="device"),
    path("sell/estimate/", views.estimate, name="estimate"),
    path("sell/verify/", views.verify, name="verify"),
    path("sell/pincode/", views.pincode, name="pincode"),
    path("sell/details/", views.details, name="details"),
    path("sell/review/", views.review, name="review"),
    path("sell/done/", views.done, name="done"),
    path("t/<str:token>/", views.track, name="track"),
    path("t/<str:token>/reschedule/", views.track_reschedule, name="track_reschedule"),
    path("t/<str:token>/cancel/", views.track_cancel, name="track_cancel"),
    path("t/<str:token>/price/", views.track_price, name="track_price"),
    path("f/<str:token>/", views.feedback, name="feedback"),  # issue 15, item 12
]
