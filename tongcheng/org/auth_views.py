from django.http import HttpRequest, HttpResponse


def login_view(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def login_two_factor(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


def logout_view(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
