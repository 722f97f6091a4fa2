//! Email over SMTP (lettre): the server's relay, from `SWITCHBOARD_SMTP_URL` (`smtp://` plain or
//! with `?tls=required` for STARTTLS, `smtps://` for TLS from the start; credentials in the URL).

use super::Failure;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::time::Duration;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    pub fn new(url: &str, from: Option<&str>) -> anyhow::Result<Self> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("SWITCHBOARD_SMTP_URL: {e}"))?
            .timeout(Some(Duration::from_secs(15)))
            .build();
        let from = from
            .ok_or_else(|| anyhow::anyhow!("SWITCHBOARD_SMTP_FROM is needed with SWITCHBOARD_SMTP_URL"))?
            .parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("SWITCHBOARD_SMTP_FROM: {e}"))?;
        Ok(Mailer { transport, from })
    }

    pub(super) async fn send(&self, to: &[String], subject: &str, text: &str) -> Result<(), Failure> {
        let mut message = Message::builder().from(self.from.clone()).subject(subject);
        for address in to {
            let mailbox = address
                .parse::<Mailbox>()
                .map_err(|e| Failure::permanent(format!("'{address}': {e}")))?;
            message = message.to(mailbox);
        }
        let message = message
            .header(ContentType::TEXT_PLAIN)
            .body(text.to_owned())
            .map_err(|e| Failure::permanent(e.to_string()))?;
        match self.transport.send(message).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_permanent() => Err(Failure::permanent(format!("the mail server refused it: {e}"))),
            Err(e) => Err(Failure::transient(None, format!("the mail server: {e}"))),
        }
    }
}
