//! The social channel. (Seam: the renderer lands with the social channel work.)

use crate::content::Piece;
use crate::error::{Error, Result};
use crate::project::Project;
use crate::render::{Channel, Rendered, Renderer};

pub struct SocialRenderer;

impl SocialRenderer {
    pub fn new(project: &Project) -> Result<Self> {
        let _ = project;
        Err(Error::usage(
            "the social channel is not available in this version of brandpress",
        ))
    }
}

impl Renderer for SocialRenderer {
    fn channel(&self) -> Channel {
        Channel::Social
    }

    fn render(&self, piece: &Piece) -> Result<Rendered> {
        let _ = piece;
        Ok(Rendered::default())
    }
}
