//! The HTTP side of `serve`: accepting connections (at most [`MAX_CONNECTIONS`]), hyper's
//! head limits and timeouts, dropping clients that stall, and reading a bounded body.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::sync::{Semaphore, watch};

use super::routes::{Service, route};
use super::{
    MAX_BODY_BYTES, MAX_CONNECTIONS, MAX_DRAIN_BYTES, MAX_HEAD_BYTES, SHUTDOWN_GRACE, Stop, log,
};

/// What every connection shares.
pub(super) struct Shared {
    pub(super) service: Service,
    /// Permits for password checks (and PBES2 unwrapping), which run on the blocking pool.
    pub(super) checks: Semaphore,
    pub(super) read_timeout: Duration,
}

/// Accepts connections (at most [`MAX_CONNECTIONS`] at once) until a stop signal, then gives
/// the open ones [`SHUTDOWN_GRACE`] to finish.
pub(super) async fn accept_loop(
    listener: tokio::net::TcpListener,
    shared: Arc<Shared>,
    mut stop: Stop,
) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let (stopping, stopped) = watch::channel(false);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        // hyper closes a connection whose next request head has not fully arrived by then
        // (slowloris, and idle keep-alive connections), without an answer.
        .header_read_timeout(shared.read_timeout)
        .max_header_size(MAX_HEAD_BYTES)
        .max_buf_size(2 * MAX_HEAD_BYTES)
        .keep_alive(true);
    loop {
        let slot = tokio::select! {
            () = stop.wait() => break,
            slot = Arc::clone(&slots).acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
        };
        let (stream, remote) = tokio::select! {
            () = stop.wait() => break,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(_) => {
                    // Out of file descriptors, or a connection reset before it was
                    // accepted: not a reason to stop serving. Pause instead of spinning.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        let http = http.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let stall = 2 * shared.read_timeout;
            let io = Watched::new(TokioIo::new(stream));
            let moved = Arc::clone(&io.moved);
            let service = service_fn(move |request| handle(Arc::clone(&shared), remote, request));
            let connection = http.serve_connection(io, service);
            tokio::pin!(connection);
            loop {
                tokio::select! {
                    _ = connection.as_mut() => return,
                    _ = stopped.changed() => {
                        connection.as_mut().graceful_shutdown();
                        let _ = connection.await;
                        return;
                    }
                    () = tokio::time::sleep(stall / 4) => {
                        // Nothing read or written for twice --read-timeout: a client that
                        // does not read its answers (hyper has no write timeout). Dropping
                        // the connection closes it.
                        if moved.elapsed() >= stall {
                            return;
                        }
                    }
                }
            }
        });
    }
    drop(listener);
    let _ = stopping.send(true);
    let all = MAX_CONNECTIONS as u32;
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, slots.acquire_many(all)).await;
}

/// A connection's transport that notes when bytes last moved either way.
struct Watched<T> {
    inner: T,
    moved: Arc<LastMoved>,
}

/// When bytes last moved on a connection, in milliseconds after it opened.
struct LastMoved {
    opened: Instant,
    at_ms: AtomicU64,
}

impl LastMoved {
    fn note(&self) {
        let ms = self.opened.elapsed().as_millis() as u64;
        self.at_ms.store(ms, Ordering::Relaxed);
    }

    /// How long ago bytes last moved.
    fn elapsed(&self) -> Duration {
        let now = self.opened.elapsed();
        now.saturating_sub(Duration::from_millis(self.at_ms.load(Ordering::Relaxed)))
    }
}

impl<T> Watched<T> {
    fn new(inner: T) -> Watched<T> {
        Watched {
            inner,
            moved: Arc::new(LastMoved {
                opened: Instant::now(),
                at_ms: AtomicU64::new(0),
            }),
        }
    }
}

impl<T: hyper::rt::Read + Unpin> hyper::rt::Read for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: hyper::rt::ReadBufCursor<'_>,
    ) -> Poll<std::io::Result<()>> {
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if polled.is_ready() {
            self.moved.note();
        }
        polled
    }
}

impl<T: hyper::rt::Write + Unpin> hyper::rt::Write for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.moved.note();
        }
        polled
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        let polled = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.moved.note();
        }
        polled
    }
}

/// One request: route it, answer it, log it.
async fn handle(
    shared: Arc<Shared>,
    remote: SocketAddr,
    request: Request<Incoming>,
) -> std::result::Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let method = request.method().clone();
    let path: String = request.uri().path().chars().take(200).collect();
    let reply = route(&shared, request).await;
    log::access(
        shared.service.json_log,
        remote,
        method.as_str(),
        &path,
        &reply,
        started,
    );
    Ok(reply.into_response())
}

/// Why a body could not be had.
pub(super) enum BodyError {
    TooLarge,
    TimedOut,
    Broken,
}

/// The body, at most [`MAX_BODY_BYTES`], read by the deadline. Memory is bounded by what
/// arrives, never by what Content-Length announces.
pub(super) async fn read_body(
    body: &mut Incoming,
    deadline: tokio::time::Instant,
) -> Result<Vec<u8>, BodyError> {
    let announced = body.size_hint().lower();
    if announced > MAX_BODY_BYTES as u64 {
        if announced <= MAX_DRAIN_BYTES {
            drain(body, deadline).await;
        }
        return Err(BodyError::TooLarge);
    }
    let mut data = Vec::new();
    loop {
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => return Err(BodyError::TimedOut),
            Ok(None) => return Ok(data),
            Ok(Some(Err(_))) => return Err(BodyError::Broken),
            Ok(Some(Ok(frame))) => frame,
        };
        if let Ok(chunk) = frame.into_data() {
            if data.len() + chunk.len() > MAX_BODY_BYTES {
                drain(body, deadline).await;
                return Err(BodyError::TooLarge);
            }
            data.extend_from_slice(&chunk);
        }
    }
}

/// Reads and drops up to [`MAX_DRAIN_BYTES`] more of a body, by the deadline.
async fn drain(body: &mut Incoming, deadline: tokio::time::Instant) {
    let mut seen = 0u64;
    while seen <= MAX_DRAIN_BYTES {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => {
                seen += frame.data_ref().map_or(0, |d| d.len() as u64);
            }
            _ => return,
        }
    }
}
