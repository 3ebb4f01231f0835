package dev.kurir.application.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompositeMessagingListenerTest {

    @Test
    void all_forwardsEveryListenerMethod_toEachListener_inOrder() throws Exception {
        List<String> calls = new ArrayList<>();
        MessagingListener composite = MessagingListener.all(List.of(recorder("first", calls), recorder("second", calls)));

        // Reflection, so that a method added to the interface later cannot be forgotten by the composite.
        List<Method> methods = Arrays.stream(MessagingListener.class.getMethods())
                .filter(m -> !Modifier.isStatic(m.getModifiers())).toList();
        for (Method method : methods) {
            invoke(composite, method);
        }

        List<String> expected = new ArrayList<>();
        methods.forEach(m -> expected.addAll(List.of("first." + m.getName(), "second." + m.getName())));
        assertEquals(expected, calls);
    }

    private static MessagingListener recorder(String name, List<String> calls) {
        return (MessagingListener) Proxy.newProxyInstance(MessagingListener.class.getClassLoader(),
                new Class<?>[] {MessagingListener.class}, (proxy, method, args) -> {
                    calls.add(name + "." + method.getName());
                    return null;
                });
    }

    private static void invoke(MessagingListener listener, Method method) throws Exception {
        Object[] args = Arrays.stream(method.getParameterTypes()).map(type -> type == int.class ? (Object) 0
                : type == boolean.class ? (Object) false : null).toArray();
        try {
            method.invoke(listener, args);
        } catch (InvocationTargetException e) {
            throw new AssertionError(method.getName() + " failed", e.getCause());
        }
    }
}
