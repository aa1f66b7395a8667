//! The email channel. (Seam: the renderer lands with the email channel work.)

use crate::content::Piece;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::render::{Channel, Rendered, Renderer};

pub struct EmailRenderer;

impl EmailRenderer {
    pub fn new(project: &Project) -> Result<Self> {
        let _ = project;
        Err(Error::usage(
            "the email channel is not available in this version of brandpress",
        ))
    }
}

impl Renderer for EmailRenderer {
    fn channel(&self) -> Channel {
        Channel::Email
    }

    fn render(&self, piece: &Piece) -> Result<Rendered> {
        let _ = piece;
        Ok(Rendered::default())
    }
}
