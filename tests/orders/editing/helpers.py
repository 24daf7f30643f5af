"""POST data of the order form, as a browser would send it."""

from orders.parts import EDITABLE_FIELDS


def order_post_data(order=None, *, lines=None, discounts=(), taxes=(), **fields) -> dict:
    """`lines`: list of dicts (line_id, sku, name, quantity, unit_price, DELETE)."""
    data = {}
    existing = {"lines": 0, "discounts": 0, "taxes": 0}
    if order is not None:
        existing = {
            "lines": order.lines.count(),
            "discounts": order.discounts.count(),
            "taxes": order.taxes.count(),
        }
        data.update(
            {
                name: "" if getattr(order, name) is None else getattr(order, name)
                for name in EDITABLE_FIELDS
            }
        )
        data.update(shipping_total=str(order.shipping_total), version=order.version)
        if lines is None:
            lines = [
                {
                    "line_id": line.pk,
                    "sku": line.sku,
                    "name": line.name,
                    "quantity": line.quantity,
                    "unit_price": str(line.unit_price),
                }
                for line in order.lines.all()
            ]
        if not discounts:
            discounts = [
                {"label": d.label, "kind": d.kind, "value": str(d.value)}
                for d in order.discounts.all()
            ]
        if not taxes:
            taxes = [
                {"name": t.name, "kind": t.kind, "value": str(t.value)} for t in order.taxes.all()
            ]
    else:
        data.update(shipping_total="0", source="phone")
    for prefix, rows in (("lines", lines or []), ("discounts", discounts), ("taxes", taxes)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        # As the page sends it: the rows it was rendered with come first.
        data[f"{prefix}-INITIAL_FORMS"] = str(min(len(rows), existing[prefix]))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            for key, value in row.items():
                if value is not None:
                    data[f"{prefix}-{i}-{key}"] = value
    data.update({k: v for k, v in fields.items() if v is not None})
    for key in [k for k, v in fields.items() if v is None]:
        data.pop(key, None)
    return data
