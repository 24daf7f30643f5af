from mycommerce.plans import Feature, store_has_feature
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
        "store_features": {f.value: store_has_feature(store, f) for f in Feature},
        "member_permissions": {p.value: member_can(membership, p) for p in Permission},
    }
