from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orderdesk.accounts"
    label = "accounts"
    verbose_name = "Staff, roles and API clients"

    def ready(self):
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_login_failed

        from orderdesk.accounts.signin import (
            audit_lockout,
            count_username_failure,
            reset_username_failures,
        )

        user_locked_out.connect(audit_lockout, dispatch_uid="orderdesk.audit_lockout")
        user_login_failed.connect(count_username_failure, dispatch_uid="orderdesk.username_fail")
        user_logged_in.connect(reset_username_failures, dispatch_uid="orderdesk.username_reset")
