"""The password backend: Django's ModelBackend, with the signed-in user's unit in the same query.

Every signed-in page reads the user's unit (the cluster scope, the account menu), so loading it
with the user saves one query per request. Authentication itself is unchanged.

Sessions remember the backend that signed them in by its dotted path: sessions opened before this
backend was configured named ``django.contrib.auth.backends.ModelBackend`` and end (the user signs
in again) once the path is no longer in ``AUTHENTICATION_BACKENDS``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import AbstractBaseUser


class UserWithUnitBackend(ModelBackend):
    def get_user(self, user_id: object) -> AbstractBaseUser | None:
        model = get_user_model()
        try:
            user = model._default_manager.select_related("unit").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
