// The one workflowsPath: every job workflow the workers can run.
export { priceAlertWorkflow } from './priceAlert.ts';
export { indicatorAlertWorkflow } from './indicatorAlert.ts';
export { reportWorkflow } from './report.ts';
export { maintenanceWorkflow } from './maintenance.ts';
export { notificationBatchWorkflow } from './notificationBatch.ts';
export { strategyExecutionWorkflow } from './strategyExecution.ts';
export { positionMonitorWorkflow } from './positionMonitor.ts';
export { closePositionWorkflow } from './closePosition.ts';
