from capabilities.costs.cost_alerts import BUDGET_SEVERITY, COST_ANOMALY_SEVERITY, CostAnomalyAlerts, MonthlyBudget, cost_anomaly_region

__all__ = ["BUDGET_SEVERITY", "COST_ANOMALY_SEVERITY", "CostAnomalyAlerts", "MonthlyBudget", "cost_anomaly_region"]
