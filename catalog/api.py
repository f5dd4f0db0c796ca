from ninja import Router

router = Router(tags=["Retailers and brands"])
