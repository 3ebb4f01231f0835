/**
 * What a module implements to consume events through its inbox: a handler per event type, typed by the contract's
 * record ({@link dev.kurir.application.messaging.handler.EventHandler}), the message it comes in, the failure that
 * says a message can never apply, and the codec both the producing and the consuming side use for the wire form.
 */
package dev.kurir.application.messaging.handler;
