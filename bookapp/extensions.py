"""Flask extensions, created once and bound to the app in `create_app`."""

from flask_limiter import Limiter
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy.orm import DeclarativeBase

from bookapp.client_address import request_client


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
# Per client (its address after ProxyFix; an IPv6 client's /64); storage from RATELIMIT_STORAGE_URI
# (memory:// by default, redis:// or memcached:// when several processes or instances must share the
# counts).
limiter = Limiter(key_func=request_client)
