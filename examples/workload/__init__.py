"""An example SP-API workload that passes the DPP workload pack (issue 19): API Gateway + Lambda
+ DynamoDB + an admin endpoint behind WAF, and an ALB variant. ``build_app(logged=False)``
builds the same app with its logging removed, which the pack fails."""
