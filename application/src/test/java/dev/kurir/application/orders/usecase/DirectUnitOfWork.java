package dev.kurir.application.orders.usecase;

import dev.kurir.application.shared.port.out.UnitOfWork;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/** A transaction that is only a call: the work runs directly, and its after-commit actions once it returned. */
final class DirectUnitOfWork implements UnitOfWork {
    private final ThreadLocal<List<Runnable>> open = new ThreadLocal<>();

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        List<Runnable> afterCommit = new ArrayList<>();
        open.set(afterCommit);
        try {
            T result = work.get();
            afterCommit.forEach(Runnable::run);
            return result;
        } finally {
            open.remove();
        }
    }

    @Override
    public void afterCommit(Runnable action) {
        List<Runnable> afterCommit = open.get();
        if (afterCommit == null) {
            throw new IllegalStateException("no transaction is open");
        }
        afterCommit.add(action);
    }
}
