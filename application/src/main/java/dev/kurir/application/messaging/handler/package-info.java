/**
 * What a module implements to consume events through its inbox: a handler per event type, the message it gets,
 * and the failure that says a message can never apply.
 */
package dev.kurir.application.messaging.handler;
