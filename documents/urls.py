from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.verify_form, name="document_verify_form"),
    path("verify/<str:code>", views.verify, name="document_verify"),
    # Some QR readers and people add a trailing slash.
    path("verify/<str:code>/", views.verify),
]
