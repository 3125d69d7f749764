"""A WSGI app that answers with the scheme gunicorn decided on, for test_production.py."""


def app(environ, start_response):
    body = environ["wsgi.url_scheme"].encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
