"""The calendar feeds' secret URLs, outside the organization prefix: no sign-in, the token is
the key."""

from django.urls import path

from northline.delivery.calendar import feed_view

urlpatterns = [
    path("<str:token>.ics", feed_view, name="delivery_calendar_feed"),
]
