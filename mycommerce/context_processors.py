from mycommerce.roles import Permission, member_can


def current_store(request):
    store = getattr(request, "store", None)
    membership = getattr(request, "membership", None)
    if store is None:
        return {}
    return {
        "current_store": store,
        "current_membership": membership,
        "user_memberships": getattr(request, "memberships", []),
        "member_permissions": {p.value: member_can(membership, p) for p in Permission},
    }
