/** Adapters that let one business module use another's inbound ports directly, when both share a process. */
package dev.kurir.adapters.inprocess;
