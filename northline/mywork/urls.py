"""The signed-in person's own pages, below /me/."""

from django.urls import path

from northline.mywork import views

urlpatterns = [
    path("", views.my_work, name="my_work"),
    path("preferences/", views.preferences, name="preferences"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
