"""An ``X-Queries`` header with the number of database queries a request made.

Only when ``NEWSDESK_QUERY_COUNT_HEADER=True``: ``manage.py bench`` turns it on for the
production server it starts, to print queries per step next to the times measured over
HTTP. Counting costs a function call per query; the header tells nothing a user could
abuse, but it stays off unless asked.
"""

from django.db import connections


class QueryCountHeaderMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counted) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response["X-Queries"] = str(count)
        return response
