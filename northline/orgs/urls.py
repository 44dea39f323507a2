from django.urls import path

from northline.orgs import views

urlpatterns: list = []
