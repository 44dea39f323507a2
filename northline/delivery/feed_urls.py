"""The calendar feeds' secret URLs, outside the organization prefix: no sign-in, the token is
the key."""

urlpatterns: list = []
