namespace NanoSample
{
    /// <summary>Runs person_detect on two photos and prints the scores, as TFLM's person_detection example does.</summary>
    public static class Program
    {
        public static void Main()
        {
            var model = new PersonDetect();
            Detect(model, "person.bmp", Photos.Person);
            Detect(model, "no_person.bmp", Photos.NoPerson);
            System.Console.WriteLine("done");
        }

        private static void Detect(PersonDetect model, string name, sbyte[] image)
        {
            sbyte[] scores = new sbyte[2];
            long start = System.DateTime.UtcNow.Ticks;
            model.Invoke(image, scores);
            long ms = (System.DateTime.UtcNow.Ticks - start) / System.TimeSpan.TicksPerMillisecond;
            // Output 0 is "no person", 1 is "person" (int8 scores, higher is more likely).
            System.Console.WriteLine(name + ": person " + scores[1].ToString() + ", no person " + scores[0].ToString()
                + (scores[1] > scores[0] ? " -> person" : " -> no person") + " (" + ms.ToString() + " ms)");
        }
    }
}
