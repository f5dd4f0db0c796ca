"""The retailers and brands a new install starts with, so the purchase form is not empty."""

DEFAULT_RETAILERS = [
    ("Amazon", "https://www.amazon.com"),
    ("Apple", "https://www.apple.com"),
    ("Best Buy", "https://www.bestbuy.com"),
    ("Costco", "https://www.costco.com"),
    ("eBay", "https://www.ebay.com"),
    ("IKEA", "https://www.ikea.com"),
    ("Target", "https://www.target.com"),
    ("Walmart", "https://www.walmart.com"),
]

DEFAULT_BRANDS = [
    ("Apple", "https://www.apple.com"),
    ("Bosch", "https://www.bosch.com"),
    ("Dell", "https://www.dell.com"),
    ("Dyson", "https://www.dyson.com"),
    ("HP", "https://www.hp.com"),
    ("Lenovo", "https://www.lenovo.com"),
    ("LG", "https://www.lg.com"),
    ("Philips", "https://www.philips.com"),
    ("Samsung", "https://www.samsung.com"),
    ("Sony", "https://www.sony.com"),
]
