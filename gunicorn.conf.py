"""gunicorn's settings for `make prod` and the benchmarks (gunicorn reads ./gunicorn.conf.py
by itself when started from the project folder).

By default gunicorn believes X-Forwarded-Proto (and X-Forwarded-Ssl, X-Forwarded-Protocol) from
127.0.0.1, so any client on the loopback, or a proxy that passes the header through, could make
plain HTTP pass for HTTPS. Here it believes no address: whether a TLS proxy's
X-Forwarded-Proto counts is Django's decision alone, taken from DJANGO_BEHIND_PROXY
(SECURE_PROXY_SSL_HEADER in iceinfo/settings.py).
"""

forwarded_allow_ips = ""
