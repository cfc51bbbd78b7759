"""Entry point for Elastic Beanstalk (`application`), gunicorn and the `flask` CLI."""

from bookapp import create_app
from bookapp.config import config_from_environment

application = create_app(config_from_environment())
