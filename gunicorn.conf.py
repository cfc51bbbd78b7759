"""gunicorn settings, read from the environment so the Procfile stays one line.

Defaults suit a small instance (2 vCPUs, e.g. t3.small): 2 worker processes of 4 threads each. Requests
mostly wait on DynamoDB and MySQL, so threads add concurrency cheaply.
"""

import os

# Elastic Beanstalk's nginx forwards to port 8000 on the instance; PORT overrides it.
bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# The app logs one line per request itself (with the user id); gunicorn's access log would repeat it.
accesslog = None
errorlog = "-"
