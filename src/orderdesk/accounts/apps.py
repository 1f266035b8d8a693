from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "orderdesk.accounts"
    label = "accounts"
    verbose_name = "Staff, roles and API clients"

    def ready(self):
        from axes.signals import user_locked_out

        from orderdesk.accounts.signin import audit_lockout

        user_locked_out.connect(audit_lockout, dispatch_uid="orderdesk.audit_lockout")
