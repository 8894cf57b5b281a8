"""The treasurer's side of periodic-gift agreements (registered by importing the module)."""

from agreements.admin import agreement  # noqa: F401
