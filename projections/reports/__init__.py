"""Reports: sales by period and dimension, the deal feed, performance and commissions."""
