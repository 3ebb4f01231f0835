/**
 * Deliberate architecture violations, one per rule, so that ArchitectureTest proves every rule can fail.
 * Test code only; never part of the shipped jar.
 */
package dev.kurir.archfixture;
