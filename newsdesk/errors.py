"""Error pages that say what happened when the database is out of reach.

Django calls ``handler500`` with the exception still in ``sys.exc_info()``, for an
error raised anywhere: a view, or a middleware such as the session store, whose
exceptions Django turns into responses layer by layer. So this one place answers
every request that met a stopped database, with a 503 that says the change was not
saved, instead of a generic 500 page.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views.defaults import server_error as default_server_error

UNAVAILABLE_MESSAGE = "The database is unavailable; your change was not saved — retry."


def database_unavailable(exc: BaseException | None) -> bool:
    while exc is not None:
        if isinstance(exc, OperationalError | InterfaceError):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def server_error(request: HttpRequest, template_name: str = "500.html") -> HttpResponse:
    if not database_unavailable(sys.exc_info()[1]):
        return default_server_error(request, template_name)
    if request.headers.get("HX-Request") == "true":
        # A short text: the workbench shows it next to the change, with a retry.
        response = HttpResponse(UNAVAILABLE_MESSAGE, status=503, content_type="text/plain")
    else:
        # Rendered without the request: its context processors would ask the database.
        response = HttpResponse(
            loader.render_to_string("503.html", {"message": UNAVAILABLE_MESSAGE}), status=503
        )
    response["Retry-After"] = "5"
    return response
