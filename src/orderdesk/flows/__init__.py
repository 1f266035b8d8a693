"""Workflows that cross domain apps (docs/architecture.md, "Layers").

``flows`` stands above every domain app (leads, orders, cx, ...) and below the doors
(api, console, seed). Each flow is one function in one atomic block that calls the
domains' own actions; the domains never call back up. Views and routers call a flow
where a request spans two domains, an action otherwise.
"""
