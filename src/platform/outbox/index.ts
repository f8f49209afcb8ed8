export { appendEvent, subscribe, unsubscribe, listSubscriptions, ALL_EVENT_TYPES } from './outbox.service.ts';
export type { AppendEventInput, AppendedEvent, Subscription, SubscriptionInput } from './outbox.service.ts';
export { createDispatcher, isTransientDatabaseError } from './dispatcher.ts';
export type { Dispatcher, DispatcherOptions, DispatchResult } from './dispatcher.ts';
export { retryDelayMs, DEFAULT_BACKOFF } from './backoff.ts';
export type { BackoffPolicy } from './backoff.ts';
export { logHandler } from './log-handler.ts';
export { silentLog } from './handler.ts';
export type { OutboxDelivery, OutboxEvent, OutboxHandler, OutboxLog } from './handler.ts';
