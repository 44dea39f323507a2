"""The signed-in person's own page, below /me/."""

from django.urls import path

from northline.mywork import views

urlpatterns = [
    path("", views.my_work, name="my_work"),
]
