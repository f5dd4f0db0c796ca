"""The words a spreadsheet's column headers use for each field, in the languages of the
households that write them (interchange/mapping.py, `guess_mapping`)."""

# What a header says, once lowercased with everything but letters and digits dropped, per field.
# The first match wins, in the order of mapping.FIELDS; a header matching none is kept in the notes.
# fmt: off
HEADER_WORDS = {
    "product_name": (
        "productname", "product", "name", "item", "itemname", "assetname", "article", "description",
        "title", "artikel", "bezeichnung", "produit", "producto", "naam",
    ),
    "price": (
        "price", "purchaseprice", "cost", "purchasecost", "amount", "total", "paid", "preis",
        "betrag", "kaufpreis", "prix", "precio", "prijs", "value",
    ),
    "currency_code": ("currency", "currencycode", "wahrung", "devise", "moneda", "valuta"),
    "purchase_date": (
        "purchasedate", "date", "bought", "boughton", "purchased", "purchasetime", "orderdate",
        "kaufdatum", "datum", "dateachat", "fechacompra", "fecha", "aankoopdatum",
    ),
    "retailer_name": (
        "retailer", "store", "shop", "seller", "vendor", "supplier", "purchasedfrom",
        "purchasefrom", "merchant", "haendler", "handler", "geschaft", "magasin", "tienda",
        "winkel",
    ),
    "brand_name": (
        "brand", "manufacturer", "make", "marke", "hersteller", "marque", "marca", "merk",
    ),
    "model_number": ("model", "modelnumber", "modelno", "modell", "modele", "modelo"),
    "serial_number": (
        "serial", "serialnumber", "serialno", "serialnumbers", "seriennummer", "numerodeserie",
        "numerodeserie", "serienummer",
    ),
    "retailer_order_number": (
        "ordernumber", "order", "orderno", "orderid", "invoice", "invoicenumber", "bestellnummer",
        "rechnungsnummer", "commande", "pedido", "bestelnummer",
    ),
    "quantity": ("quantity", "qty", "count", "menge", "anzahl", "quantite", "cantidad", "aantal"),
    "link": ("link", "url", "producturl", "website", "weblink"),
    "tags": ("tags", "tag", "labels", "label", "category", "categories", "kategorie"),
    "notes": ("notes", "note", "comment", "comments", "remarks", "notizen", "bemerkung"),
    "return_deadline": ("returnby", "returndeadline", "returndate", "returnuntil"),
    "tax_deductible": ("taxdeductible", "deductible"),
    "warranty_end": (
        "warrantyend", "warrantyexpires", "warrantyexpiry", "warrantyexpiration", "expirationdate",
        "expirydate", "expires", "garantiebis", "garantieende",
    ),
    "warranty_years": ("warrantyyears", "warrantydurationyears", "garantiejahre"),
    "warranty_months": ("warrantymonths", "warranty", "warrantydurationmonths", "garantie"),
    "warranty_days": ("warrantydays", "warrantydurationdays"),
    "warranty_lifetime": ("lifetime", "lifetimewarranty", "islifetime"),
    "warranty_provider": ("warrantyprovider", "provider"),
    "warranty_type": ("warrantytype",),
    "warranty_notes": ("warrantydetails", "warrantynotes"),
    "source_id": ("id", "importref", "assetid", "assettag", "uuid"),
}
# fmt: on
