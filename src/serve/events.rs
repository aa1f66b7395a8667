//! Server-sent events (`/__brandpress/events`): one thread per open page, fed by the
//! hub through a channel, so a slow or dead client never holds up a rebuild.

use std::io::Write;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Open event streams at most (each is a thread and a socket); more get 503.
pub const MAX_CLIENTS: usize = 64;

/// How often an idle stream gets a comment line, so a closed page is noticed (its write
/// fails) and proxies keep the connection.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// One event, already in wire form (`event: …\ndata: …\n\n`).
pub type Message = Arc<str>;

/// Formats an event: every line of `data` gets its own `data:` field (the browser joins
/// them with newlines).
pub fn message(event: &str, data: &str) -> Message {
    let mut out = format!("event: {event}\n");
    for line in data.split('\n') {
        out.push_str("data: ");
        out.push_str(line.strip_suffix('\r').unwrap_or(line));
        out.push('\n');
    }
    out.push('\n');
    out.into()
}

/// The open streams.
#[derive(Default)]
pub struct Hub {
    clients: Mutex<Vec<Sender<Message>>>,
    closed: std::sync::atomic::AtomicBool,
}

impl Hub {
    /// A new stream's receiver, or none when the hub is full or closed.
    pub fn subscribe(&self) -> Option<Receiver<Message>> {
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return None;
        }
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        if clients.len() >= MAX_CLIENTS {
            return None;
        }
        let (tx, rx) = mpsc::channel();
        clients.push(tx);
        Some(rx)
    }

    /// Sends `message` to every open stream, forgetting the ones that closed.
    pub fn broadcast(&self, message: &Message) {
        let mut clients = self.clients.lock().unwrap_or_else(|e| e.into_inner());
        clients.retain(|c| c.send(message.clone()).is_ok());
    }

    /// Ends every stream (their threads see the channel close and return).
    pub fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
        self.clients
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Open streams (for tests and the status page).
    pub fn len(&self) -> usize {
        self.clients.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// Writes the stream's response head, then `first` and every message of `rx` until the
/// hub closes or the client goes away.
pub fn stream(mut writer: Box<dyn Write + Send>, first: &[Message], rx: Receiver<Message>) {
    let head = "HTTP/1.1 200 OK\r\n\
                Content-Type: text/event-stream; charset=utf-8\r\n\
                Cache-Control: no-store\r\n\
                X-Content-Type-Options: nosniff\r\n\
                Connection: close\r\n\r\n\
                retry: 1000\n\n";
    let mut send = |bytes: &[u8]| writer.write_all(bytes).and_then(|()| writer.flush());
    if send(head.as_bytes()).is_err() {
        return;
    }
    for m in first {
        if send(m.as_bytes()).is_err() {
            return;
        }
    }
    loop {
        let sent = match rx.recv_timeout(KEEPALIVE) {
            Ok(m) => send(m.as_bytes()),
            Err(RecvTimeoutError::Timeout) => send(b": keep-alive\n\n"),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if sent.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_data_gets_one_field_per_line() {
        let m = message("build-error", "× brand/brand.toml:3:7: สีผิด\r\n  ╭─[x]");
        assert_eq!(
            &*m,
            "event: build-error\ndata: × brand/brand.toml:3:7: สีผิด\ndata:   ╭─[x]\n\n"
        );
    }

    #[test]
    fn a_closed_stream_is_dropped_and_a_full_hub_refuses() {
        let hub = Hub::default();
        let first = hub.subscribe().unwrap();
        let second = hub.subscribe().unwrap();
        drop(first);
        hub.broadcast(&message("reload", "{}"));
        assert_eq!(hub.len(), 1);
        assert!(second.try_recv().is_ok());
        let mut held = Vec::new();
        while let Some(rx) = hub.subscribe() {
            held.push(rx);
        }
        assert_eq!(hub.len(), MAX_CLIENTS);
        hub.close();
        assert_eq!(hub.len(), 0);
        assert!(hub.subscribe().is_none());
        // closing ends the streams: their channel disconnects
        assert!(second.recv().is_err());
    }
}
