console.log("rcx");
