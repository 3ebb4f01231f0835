package dev.kurir.bootstrap;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/** A request body passed on unchanged, keeping a copy of the bytes sent (for {@link HttpContract}). */
final class RecordingBodyPublisher implements HttpRequest.BodyPublisher {
    private final HttpRequest.BodyPublisher delegate;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();

    RecordingBodyPublisher(HttpRequest.BodyPublisher delegate) {
        this.delegate = delegate;
    }

    @Override
    public long contentLength() {
        return delegate.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
        delegate.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                synchronized (sent) {
                    sent.reset(); // a body sent again (a retried connection) is recorded once
                }
                subscriber.onSubscribe(subscription);
            }

            @Override
            public void onNext(ByteBuffer item) {
                ByteBuffer copy = item.duplicate();
                byte[] bytes = new byte[copy.remaining()];
                copy.get(bytes);
                synchronized (sent) {
                    sent.writeBytes(bytes);
                }
                subscriber.onNext(item);
            }

            @Override
            public void onError(Throwable throwable) {
                subscriber.onError(throwable);
            }

            @Override
            public void onComplete() {
                subscriber.onComplete();
            }
        });
    }

    byte[] recorded() {
        synchronized (sent) {
            return sent.toByteArray();
        }
    }
}
