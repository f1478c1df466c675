"""Rebates (返利): policies with versions (``policy.py``), accrual on settled contracts and its
corrections inside the trading writes (``accrual.py``), periods closed by finance crediting
funds once (``period.py``), and ``RebateService``. Other areas reach it only through the
service."""
