from preferences.formats import number_style_scope


class NumberStyleMiddleware:
    """Keep the number style a page activates (preferences/context_processors.py) to its request.

    Without it the style would outlive the request in its thread, and money written afterwards
    outside a page (a test, a command in the same process) would take it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with number_style_scope():
            return self.get_response(request)
