"""The REST API (django-ninja): one NinjaAPI, each app adds a router from its api.py."""

from ninja import NinjaAPI

api = NinjaAPI(title="Tongcheng API", version="1", urls_namespace="api")
